"""The rulebook's rules, one small pure object per file (see `base.Rule`); `chalicelib.core.engine`
builds the set a policy enables and runs them."""
