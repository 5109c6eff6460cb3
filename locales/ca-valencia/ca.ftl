# ca messages (ca-valencia).
