"""The newsroom's desk: an HTTP API and a web page to review, fix and approve bulletins before
they air (``bulletin studio``; the optional extra ``bulletin[studio]``)."""
