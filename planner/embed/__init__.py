"""The embeddable listing (/embed/events), its loader script (/embed.js) and snippet box."""
