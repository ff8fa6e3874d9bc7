"""Site administration: commemorations, venues, organisations and accounts."""
