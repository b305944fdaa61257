# Monitoring: promtool from Debian's `prometheus` package, and the rules lint.
# Installing the package would start a Prometheus service, so only the promtool
# binary is taken out of the downloaded .deb.
PROMTOOL         := $(TOOLS)/bin/promtool
PROMTOOL_DEB_DIR := $(TOOLS)/prometheus-deb
MONITORING_RULES := $(wildcard deploy/monitoring/rules/*.yaml)

SETUP_TARGETS += $(PROMTOOL)
LINT_TARGETS  += lint-monitoring

# A fresh machine may have no package lists yet: refresh them once and retry.
$(PROMTOOL):
	rm -rf $(PROMTOOL_DEB_DIR)
	mkdir -p $(PROMTOOL_DEB_DIR)/root $(TOOLS)/bin
	cd $(PROMTOOL_DEB_DIR) && { apt-get download prometheus || { apt-get update && apt-get download prometheus; }; }
	dpkg-deb --fsys-tarfile $(PROMTOOL_DEB_DIR)/prometheus_*.deb | tar -x -C $(PROMTOOL_DEB_DIR)/root ./usr/bin/promtool
	install -m 0755 $(PROMTOOL_DEB_DIR)/root/usr/bin/promtool $@
	rm -rf $(PROMTOOL_DEB_DIR)
	$@ --version

.PHONY: lint-monitoring
lint-monitoring: $(PROMTOOL) ## promtool check rules on deploy/monitoring/rules
	$(PROMTOOL) check rules --lint=all --lint-fatal $(MONITORING_RULES)
