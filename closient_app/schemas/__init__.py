"""Request and response shapes (pydantic), shared by the API, the services and the pages."""
