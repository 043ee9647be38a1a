"""The consultant's activities for the annual report (Royal Decree of 12
August 1993, article 8): advices, activities, controls, awareness
campaigns, trainings and consultation meetings."""
