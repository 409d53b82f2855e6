"""One package per messenger, each with the same verbs (see `base`). Platform quirks live only here."""
