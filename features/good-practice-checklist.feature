@good-practice @integration-checklist
Feature: Good practice from the 2018 integration checklist
  "Shifting the centre of gravity" (ADASS, ADPH, LGA, NHS Clinical Commissioners, NHS
  Confederation and NHS Providers, 2018) gives a checklist that partners can assess themselves
  against. A place may record each item as in place, under development or absent (decision
  AMB-17). Items of the Transformation and the Accountability and governance groups are good
  practice only when they are in place; for the other groups an item under development is
  enough. These criteria are advice ("should"): they never make a place non-compliant.

  Background:
    Given a place that follows every good practice

  @PLAN-2 @PLAN-3 @ENG-1 @CHK-TR-5 @FIN-12 @CHK-AG-1 @HWB-4
  Scenario Outline: Transformation, and accountability and governance: <item> is <state>
    Given the checklist item "<item>" is <state>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is <outcome>
    And the place is compliant

    Examples: Transformation, and accountability and governance: the item must be in place
      | item                                        | state             | criterion | outcome |
      | vision aligned with the system              | in place          | PLAN-2    | met     |
      | vision aligned with the system              | under development | PLAN-2    | not met |
      | plan to shift care into the community       | in place          | PLAN-3    | met     |
      | plan to shift care into the community       | under development | PLAN-3    | not met |
      | involvement of service users and carers     | in place          | ENG-1     | met     |
      | involvement of service users and carers     | under development | ENG-1     | not met |
      | front-line staff shaping integration        | in place          | CHK-TR-5  | met     |
      | front-line staff shaping integration        | absent            | CHK-TR-5  | not met |
      | transformation funding                      | in place          | FIN-12    | met     |
      | transformation funding                      | under development | FIN-12    | not met |
      | accountability to local people              | in place          | CHK-AG-1  | met     |
      | accountability to local people              | under development | CHK-AG-1  | not met |
      | training and support for governance roles   | in place          | HWB-4     | met     |
      | training and support for governance roles   | absent            | HWB-4     | not met |

  @OUT-13 @HWB-3 @CHK-LD-0 @DEC-3 @MET-7 @CHK-COM-0 @CHK-COM-3 @CHK-COM-5 @CHK-COM-7
  Scenario Outline: Outcomes, prevention, leadership and commissioning: <item> is <state>
    Given the checklist item "<item>" is <state>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is <outcome>
    And the place is compliant

    Examples: Outcomes, prevention, leadership and commissioning: under development is enough
      | item                                                        | state             | criterion | outcome |
      | 'I' statement outcomes                                      | under development | OUT-13    | met     |
      | 'I' statement outcomes                                      | absent            | OUT-13    | not met |
      | prevention aligned with the health and wellbeing strategy   | under development | HWB-3     | met     |
      | prevention aligned with the health and wellbeing strategy   | absent            | HWB-3     | not met |
      | leadership skills and support                               | under development | CHK-LD-0  | met     |
      | leadership skills and support                               | absent            | CHK-LD-0  | not met |
      | top-level agreements written down                           | under development | DEC-3     | met     |
      | top-level agreements written down                           | absent            | DEC-3     | not met |
      | evaluation and shared learning                              | under development | MET-7     | met     |
      | evaluation and shared learning                              | absent            | MET-7     | not met |
      | integrated commissioning                                    | in place          | CHK-COM-0 | met     |
      | integrated commissioning                                    | absent            | CHK-COM-0 | not met |
      | system-wide financial modelling                             | under development | CHK-COM-3 | met     |
      | system-wide financial modelling                             | absent            | CHK-COM-3 | not met |
      | open books                                                  | under development | CHK-COM-5 | met     |
      | open books                                                  | absent            | CHK-COM-5 | not met |
      | metrics of the shift in spending                            | under development | CHK-COM-7 | met     |
      | metrics of the shift in spending                            | absent            | CHK-COM-7 | not met |

  @CHK-WF-2 @CHK-WF-5 @CHK-WF-6 @CHK-WF-7
  Scenario Outline: Workforce: <item> is <state>
    Given the checklist item "<item>" is <state>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is <outcome>
    And the place is compliant

    Examples: Workforce: under development is enough
      | item                                     | state             | criterion | outcome |
      | work with colleges and universities      | under development | CHK-WF-2  | met     |
      | work with colleges and universities      | absent            | CHK-WF-2  | not met |
      | flexible working agreements              | under development | CHK-WF-5  | met     |
      | flexible working agreements              | absent            | CHK-WF-5  | not met |
      | new roles agreed with staff and unions   | in place          | CHK-WF-6  | met     |
      | new roles agreed with staff and unions   | absent            | CHK-WF-6  | not met |
      | shared workforce systems                 | under development | CHK-WF-7  | met     |
      | shared workforce systems                 | absent            | CHK-WF-7  | not met |

  @DIG-12 @DIG-13 @DIG-14 @DIG-16
  Scenario Outline: Information sharing and technology: <item> is <state>
    Given the checklist item "<item>" is <state>
    When its arrangements are assessed on 30 September 2023
    Then criterion <criterion> is <outcome>
    And the place is compliant

    Examples: Information sharing and technology: under development is enough
      | item                                     | state             | criterion | outcome |
      | professionals see and amend records      | under development | DIG-12    | met     |
      | professionals see and amend records      | absent            | DIG-12    | not met |
      | partners analyse and aggregate data      | under development | DIG-13    | met     |
      | partners analyse and aggregate data      | absent            | DIG-13    | not met |
      | data-sharing protocols                   | in place          | DIG-14    | met     |
      | data-sharing protocols                   | absent            | DIG-14    | not met |
      | people access their own records          | under development | DIG-16    | met     |
      | people access their own records          | absent            | DIG-16    | not met |

  @CHK-COM-5
  Scenario: An item the place does not assess is not shown to be in place
    Given the declaration does not state "good_practice.checklist.open_books"
    When its arrangements are assessed on 30 September 2023
    Then criterion CHK-COM-5 is not met
    And the explanation names "Not declared"

  @CHK-COM-5
  Scenario: Before April 2023 the checklist is not yet due
    Given the checklist item "open books" is absent
    When its arrangements are assessed on 1 March 2023
    Then criterion CHK-COM-5 is not yet due and would not be met today
