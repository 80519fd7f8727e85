"""Speed and scale benchmark: python -m bench (make bench) writes bench/results.json."""
