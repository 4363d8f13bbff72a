"""The words every layer shares, defined once: the roles of a place, the unknown outlet's name.

No imports, so the archive's views and the page use them without loading the gazetteer."""

# Roles of a place in a caravan's journey.
ORIGIN, DEPARTURE, WAYPOINT, CURRENT, ARRIVAL, DESTINATION = (
    "origin", "departure", "waypoint", "current", "arrival", "destination")
# A size or date reported with no place named in the sentence.
REPORT = "report"
ROLES = (ORIGIN, DEPARTURE, WAYPOINT, CURRENT, ARRIVAL, DESTINATION, REPORT)
TRAVELLED = (ORIGIN, DEPARTURE, WAYPOINT, CURRENT, ARRIVAL)

# An article whose outlet nobody recorded: listed, filtered and shown under this name.
UNKNOWN_OUTLET = "(unknown outlet)"
