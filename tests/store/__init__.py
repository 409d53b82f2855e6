"""Store tests: one contract suite for both implementations, and the DynamoDB cost checks."""
