"""EduCRM shared kit: what every service needs, written once."""
import warnings

# ARCHITECTURE.md records why the workers stay on eventlet (nameko 3); its deprecation banner
# would otherwise open the log of every process that imports the kit's nameko parts.
warnings.filterwarnings("ignore", message=r"\s*Eventlet is deprecated")
