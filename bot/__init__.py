"""FAQ bot for the documentary series "Le Mans: Racing Is Everything".

The package root imports nothing, so the offline CLI starts without discord.py.
"""
