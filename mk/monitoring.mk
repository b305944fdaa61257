# Monitoring: promtool from Debian's `prometheus` package, and the rules lint.
# Installing the package would start a Prometheus service, so only the promtool
# binary is taken out of the downloaded .deb.
PROMTOOL         := $(TOOLS)/bin/promtool
PROMTOOL_DEB_DIR := $(TOOLS)/prometheus-deb
MONITORING_RULES := $(wildcard deploy/monitoring/rules/*.yaml)

SETUP_TARGETS += $(PROMTOOL)
LINT_TARGETS  += lint-monitoring

$(PROMTOOL):
	$(call deb-binary,prometheus,usr/bin/promtool,$(PROMTOOL_DEB_DIR))

.PHONY: lint-monitoring
lint-monitoring: $(PROMTOOL) ## promtool check rules on deploy/monitoring/rules
	$(PROMTOOL) check rules --lint=all --lint-fatal $(MONITORING_RULES)
