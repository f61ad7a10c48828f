"""Sales: enquiries from every channel (web form, phone, ADF from lead portals), their routing, the pipeline, vehicles, quotes and orders."""
