"""The operator's tools behind the `qunguan` command: where a command acts (`targets`), what a policy
change would do to real messages (`trial`), value diffs (`diffs`) and the auditors' CSV exports
(`exports`). `chalicelib.cli` is the command line that uses them."""


class OperatorError(Exception):
    """A command that cannot do what was asked; `exit_code` is the shell's answer (see chalicelib.cli)."""

    exit_code = 1


class UsageError(OperatorError):
    """The command line does not say enough, or says too much (as argparse's own errors)."""

    exit_code = 2


class TargetError(OperatorError):
    """The target cannot be reached, or is not there (no running local stack, no such stack or table)."""

    exit_code = 3


class NotFound(OperatorError):
    """A scope, version or group the command names does not exist."""

    exit_code = 4
