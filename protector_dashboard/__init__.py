"""protector-dashboard: the Horizon plugin of protector (Project and Admin
-> Site Recovery). It talks to protector only through protectorclient."""
