"""The organisation model: desired state (the file) and current state (the tenant) alike."""

from o2s_config.model.aggregation import Aggregation, CustodianContact, ExtranetCode
from o2s_config.model.establishment import Establishment
from o2s_config.model.hierarchy import Hierarchy
from o2s_config.model.organisation import Organisation, Prune, Safety
from o2s_config.model.policies import Policies
from o2s_config.model.profiles import ADMIN_PROFILE, Profile, RightsSet
from o2s_config.model.services import Services
from o2s_config.model.structures import Structure
from o2s_config.model.users import BilledOptions, User

__all__ = [
    "ADMIN_PROFILE",
    "Aggregation",
    "BilledOptions",
    "CustodianContact",
    "Establishment",
    "ExtranetCode",
    "Hierarchy",
    "Organisation",
    "Policies",
    "Profile",
    "Prune",
    "RightsSet",
    "Safety",
    "Services",
    "Structure",
    "User",
]
