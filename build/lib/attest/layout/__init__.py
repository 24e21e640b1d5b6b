"""Layout helpers reused by every extractor: normalisation, geometry, label→value pairing."""
