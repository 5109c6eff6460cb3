# ca messages (es).
