"""Signed, encrypted bundles between a township and its county: keys and trust, the bundle format,
export to a folder or removable drive, upload, receipts. Never imports Qt."""
