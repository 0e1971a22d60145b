from config.errors import ClientError


class ContestError(ClientError):
    """A contest rule was broken (window, eligibility, approval, figures)."""
