# Man pages and the operator's guide.
