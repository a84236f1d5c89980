"""POS connectors behind one interface (`interface.PosConnector`); `registry` picks one."""
