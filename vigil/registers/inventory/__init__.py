"""Hardware, software, card readers and cards, UPS units."""
