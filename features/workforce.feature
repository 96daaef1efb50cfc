@workforce
Feature: Workforce planning at place
  The white paper commits to stronger, integrated health and care workforce planning at system
  and at place. A place is expected to have its own workforce plan (a national expectation);
  planning it together with social care is good practice, which is advised but does not decide
  whether the place is compliant.

  Background:
    Given a place that meets every national expectation

  @WF-1 @WF-4
  Scenario: A place workforce plan made with social care
    When its arrangements are assessed on 30 September 2023
    Then criterion WF-1 is met
    And criterion WF-4 is met

  @WF-1
  Scenario: A place without a workforce plan
    Given the place has no workforce plan
    When its arrangements are assessed on 30 September 2023
    Then criterion WF-1 is not met
    And the place is not compliant

  @WF-1
  Scenario: A place that says nothing about its workforce
    Given the place has no workforce information
    When its arrangements are assessed on 30 September 2023
    Then criterion WF-1 is not met
    And the explanation names "Not declared"

  @WF-1
  Scenario: Before April 2023 the expectation is not yet due
    Given the place has no workforce plan
    When its arrangements are assessed on 1 March 2023
    Then criterion WF-1 is not yet due and would not be met today

  @WF-4 @good-practice
  Scenario: Workforce planning without social care is advised against, but the place stays compliant
    Given workforce planning is not co-produced with social care
    When its arrangements are assessed on 30 September 2023
    Then criterion WF-4 is not met
    And the place is compliant
