"""The default lexicon: one UTF-8 text file per category, one term per line, `#` starts a comment.

Terms are normalised by `chalicelib.core.text.normalise` when the automaton is built, so each is written
once in its plain form (no spaced, full-width or leet variants needed). Operators add their own terms
per category in the policy (`rules.lexicon.extra_terms`) and suppress false positives with `allow`.
"""
