# ca messages (en).
