"""Media tools: the one ffmpeg runner, the independent loudness meter and cover art."""
