"""Speech-to-text on cpu_queue: audio decoding, Whisper engines, transcripts, speech metrics."""
