"""What readers see, rendered from plain data: pages, cards, listings, feeds, e-mail editions, search records.

Every Jinja filter the fragments use is registered in `fragments.py`.
"""
