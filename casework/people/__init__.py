"""The children and young people behind cases, and their families: record, find, change, with every change
audited.

``identifiers`` checks and normalises UPNs, ULNs, NHS numbers and postcodes; ``profile`` shows a person as
the public contract does; ``search`` finds people; ``operations`` changes a person and their contacts.
Who may see which of a person's details is decided in ``casework.access``, not here.
"""
