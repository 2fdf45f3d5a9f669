"""The pure core of papernotes: no MkDocs import anywhere below this package."""
