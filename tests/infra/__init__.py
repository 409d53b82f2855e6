"""Deployment tests: the generated template, and the IAM policies against the AWS calls the code makes."""
