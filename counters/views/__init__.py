"""Queue pages: public (kiosk, ticket, board) and staff (console, figures)."""
