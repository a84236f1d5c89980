"""Everything an AI agent uses to onboard a retailer without a person at a keyboard: the headless
(device-code) POS connect, the MCP server at /mcp, and the discovery and skill documents."""
