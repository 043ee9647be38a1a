"""The consultant's annual report: sections drafted from the records, edited,
marked final and noted by management."""
