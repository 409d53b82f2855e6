"""The worker: load context -> decide (pure) -> execute through the messenger -> persist."""
