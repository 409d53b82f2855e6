"""Developer tooling that never ships in the Lambda package: the local stack, the demo, and fakes."""
