"""Interview scenarios as versioned data: the stages an interview walks through."""
