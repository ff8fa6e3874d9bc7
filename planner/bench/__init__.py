"""The benchmark's data set and command: `flask bench generate` (see bench/ for `make bench`)."""
