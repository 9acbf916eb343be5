"""Publishing: files beside the MP3 (transcripts, chapters), and later the feeds."""
