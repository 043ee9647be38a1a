"""The authorisation table (who may use which data, and when) and its reviews."""
