"""What the application and the read models both stand on: the tables beside the event store (reference data and
bookkeeping) and telling a lost database connection from a wrong statement. Imports neither of them."""
