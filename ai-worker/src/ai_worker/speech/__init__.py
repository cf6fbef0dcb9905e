"""Speech-to-text on cpu_queue: audio decoding, the Whisper engines, transcripts and speech metrics."""
