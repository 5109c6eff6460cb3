# ca messages (ca).
