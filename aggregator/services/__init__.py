"""The operations of lekstat, each written once, behind every edge."""
