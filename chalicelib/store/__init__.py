"""State in one DynamoDB table: the `Store` interface, its DynamoDB implementation and an in-memory
fake that passes the same contract tests. Every key is built in `keys`."""
