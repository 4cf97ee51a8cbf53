"""Security awareness: phishing reports from staff (parsed safely, triaged, fed to threat intelligence)."""
