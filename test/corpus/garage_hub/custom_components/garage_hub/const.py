DOMAIN = "garage_hub"
PANEL_TITLE = "Garage"
