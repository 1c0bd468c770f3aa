"""Human-readable reports: self-contained HTML pages built from what the API shows."""
