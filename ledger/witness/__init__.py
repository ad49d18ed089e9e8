"""A C2SP tlog-witness: client, server and its own state store."""
