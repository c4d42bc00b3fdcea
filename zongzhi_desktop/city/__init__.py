"""The city (市域) hub: counties report up to the city as townships report to the county (issue 19)."""
